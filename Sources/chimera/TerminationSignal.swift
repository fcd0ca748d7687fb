import ServiceLifecycle
import UnixSignals

/// Waits until the process receives SIGINT or SIGTERM.
func waitForTerminationSignal() async {
    for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { return }
}
