import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP, the signal `systemctl reload` and
/// `kill -HUP` send.
struct ReloadOnHangup: Service {
    let reloader: ConfigReloader

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            _ = await reloader.reload(trigger: "SIGHUP")
        }
    }
}
