//! `docproof serve`: a thin wrapper over the simulator's own `serve`.

use super::{Ending, ServeArgs};
use docproof_simulator::{Settings, TenantFile};

pub async fn serve(args: ServeArgs) -> Ending {
    let file = match TenantFile::load(&args.tenant) {
        Ok(f) => f,
        Err(e) => return Ending::CannotStart(e.into()),
    };
    let mut settings = Settings {
        propagation_delay: args.propagation_delay,
        propagation_jitter: args.propagation_jitter,
        code_lifetime: args.code_lifetime,
        call_timeout: args.call_timeout,
        profile: args.profile,
        ..Settings::default()
    };
    settings.telephony.base_url = args.telephony_url;
    // Listened for first (biased), so a signal ends the command here with
    // its own exit code, whatever the simulator makes of it.
    tokio::select! {
        biased;
        signal = super::interrupted() => Ending::Interrupted {
            signal,
            done: "tenant stopped".to_string(),
        },
        served = docproof_simulator::serve(file, settings, args.addr, &args.tenant) => match served {
            Ok(()) => Ending::Passed,
            Err(e) => Ending::CannotStart(e.into()),
        },
    }
}
