//! Today's user pages (`Profile::Today`): the interrupt, combined
//! registration, Security info, and Exchange without basic authentication.
