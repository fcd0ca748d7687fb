import ChimeraServerSupport
import Hummingbird

extension APIServer {
    /// Adds the checks every request passes before a route sees it; call after the error
    /// rendering middleware, which answers their refusals in the server's error shape.
    ///
    /// - ``CrossSiteRequestGuard``: without a key, only loopback `Host`s, no foreign `Origin`
    ///   and JSON, protobuf or Connect bodies.
    func addGuards(to router: Router<APIRequestContext>) {
        router.add(middleware: CrossSiteRequestGuard(keyConfigured: options.apiKey != nil))
    }
}
