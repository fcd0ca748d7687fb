/// The bind rule both servers share: without a key, listen on this machine only.
public enum LoopbackAddress {
    /// Whether `host` names only this machine (`localhost`, `::1`, `127.x.x.x`).
    public static func contains(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
