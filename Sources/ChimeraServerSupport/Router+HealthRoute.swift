public import Hummingbird

extension Router {
    /// Registers a health route for GET and HEAD: monitors and load balancers probe with
    /// `HEAD /health`.
    ///
    /// HEAD answers GET's status and headers with an empty body (RFC 9110, section 9.3.2).
    @discardableResult
    public func health<Output: ResponseGenerator>(
        _ path: RouterPath,
        use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self {
        get(path, use: handler)
        on(path, method: .head) { request, context in
            var response = try await handler(request, context).response(from: request, context: context)
            response.body = ResponseBody()
            return response
        }
        return self
    }
}
