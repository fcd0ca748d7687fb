import ChimeraCore

/// The one line a command prints when its server could not start: a Chimera error (a
/// configuration problem) as such, anything else (the port is in use) in its own words.
func startFailure(_ error: any Error) -> String {
    "error: \((error as? ChimeraError)?.description ?? String(describing: error))"
}
