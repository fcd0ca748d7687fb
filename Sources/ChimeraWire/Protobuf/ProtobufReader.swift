import ChimeraCore

/// How the mappings from `chimera.proxy.v1` messages to domain values treat what they cannot
/// take, which depends on who sent the message.
///
/// A proxy reads a client's request and refuses anything it cannot carry, naming the field
/// (``ChimeraError/Kind/invalidRequest``): silently sending a provider less than the caller
/// asked for is the failure full fidelity exists to prevent. A client reads the proxy's answer
/// leniently: a part of a kind it does not know, or an extension of a family it does not speak,
/// comes from a newer proxy and is skipped, as unknown fields and stream frames are; only
/// what no correct proxy sends (JSON text that does not parse) is a
/// ``ChimeraError/Kind/decoding`` error.
struct ProtobufReader {
    /// Whose message is read.
    enum Side {
        /// A client's request, read by the proxy: strict.
        case request
        /// The proxy's answer, read by a client: lenient.
        case answer
    }

    /// Whose message is read.
    let side: Side
    /// The provider the message is for, named in the errors.
    let provider: ProviderID?

    /// The error for a bad field: `field: problem`, of the side's kind.
    func failure(_ field: String, _ problem: String) -> ChimeraError {
        switch side {
        case .request: .invalidRequest("\(field): \(problem)", provider: provider)
        case .answer: .decoding("\(field): \(problem)", provider: provider)
        }
    }

    /// Decides about something this version does not know (a part kind, a media source, a
    /// protocol family): refused in a request, skipped in an answer.
    ///
    /// - Returns: Normally; the caller then skips the value.
    /// - Throws: The refusal, for a request.
    func skipUnknown(_ field: @autoclosure () -> String, _ problem: @autoclosure () -> String) throws(ChimeraError) {
        if side == .request { throw failure(field(), problem()) }
    }

    /// The JSON value a string field holds as JSON text.
    ///
    /// - Throws: ``failure(_:_:)`` naming the field and where the text stops being JSON.
    func json(_ text: String, at field: @autoclosure () -> String) throws(ChimeraError) -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw failure(field(), error.description)
        }
    }

    /// The JSON object a string field holds as JSON text.
    ///
    /// - Throws: ``failure(_:_:)`` when the text is not JSON or not an object.
    func jsonObject(_ text: String, at field: @autoclosure () -> String) throws(ChimeraError) -> JSONObject {
        let value = try json(text, at: field())
        guard case .object(let object) = value else {
            throw failure(field(), "expected a JSON object, got \(value.typeName)")
        }
        return object
    }

    /// The protocol family a string names, or `nil` when an answer names one this version does
    /// not speak (the caller skips the value).
    ///
    /// - Throws: ``failure(_:_:)`` for a request naming a family this version does not speak.
    func family(_ name: String, at field: @autoclosure () -> String) throws(ChimeraError) -> ProtocolFamily? {
        if let family = ProtocolFamily(rawValue: name) { return family }
        try skipUnknown(field(), "unknown protocol family \"\(name.prefix(64))\"; accepted: \(Self.familyNames)")
        return nil
    }

    /// The per-family extensions of a request or an answer: family name to JSON object text.
    ///
    /// Keys are read in sorted order so that a message with several bad entries is always
    /// refused for the same one.
    func extensions(_ map: [String: String], at field: String) throws(ChimeraError) -> [ProtocolFamily: JSONObject] {
        guard !map.isEmpty else { return [:] }
        var extensions: [ProtocolFamily: JSONObject] = [:]
        for (key, text) in map.sorted(by: { $0.key < $1.key }) {
            let entry = "\(field)[\"\(key.prefix(64))\"]"
            guard let family = try family(key, at: entry) else { continue }
            extensions[family] = try jsonObject(text, at: entry)
        }
        return extensions
    }

    private static let familyNames = ProtocolFamily.allCases.map(\.rawValue).joined(separator: ", ")
}

extension [ProtocolFamily: JSONObject] {
    /// The extensions as a `map<string, string>` field: family name to the object's JSON text.
    var protobufMap: [String: String] {
        guard !isEmpty else { return [:] }
        var map: [String: String] = [:]
        for (family, object) in self { map[family.rawValue] = JSONValue.object(object).serialized() }
        return map
    }
}
