//! Today's admin center (`Profile::Today`): Active users and per-user MFA.
