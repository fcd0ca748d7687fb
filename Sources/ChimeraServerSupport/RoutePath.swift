/// Paths as the router matches them, for checks made outside the router.
public enum RoutePath {
    /// `path` without its query, with empty segments dropped: `/health/`, `//health` and
    /// `/health?verbose` are all `/health`, as Hummingbird routes them.
    public static func normalized(_ path: String) -> String {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return "/" + withoutQuery.split(separator: "/").joined(separator: "/")
    }
}
