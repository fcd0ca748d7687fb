import Foundation

/// Extra CA certificates to trust in addition to the system's roots, such as the CA of a
/// TLS-inspecting corporate proxy (`CHIMERA_CA_BUNDLE`, else `SSL_CERT_FILE`).
///
/// The file is read once, when the configuration is read, and its PEM blocks are checked there,
/// so a missing, unreadable or garbled file is a configuration problem at start rather than a
/// TLS failure on the first request. The certificates' contents are checked again by the TLS
/// library when the HTTP client is made.
public struct CertificateBundle: Sendable, Hashable, CustomStringConvertible {
    /// The file it was read from.
    public let path: String
    /// The file's PEM text.
    public let pem: Data
    /// How many certificates the file holds.
    public let certificateCount: Int

    /// `/etc/ssl/corp-ca.pem (2 certificates)`.
    public var description: String {
        "\(path) (\(certificateCount) certificate\(certificateCount == 1 ? "" : "s"))"
    }

    /// What the CA variables accept, as problems say it.
    static let accepted = "a readable file of PEM certificates (-----BEGIN CERTIFICATE-----)"

    /// Reads and checks a PEM bundle.
    ///
    /// - Returns: The bundle, or what is wrong with the file.
    static func load(path: String) -> Result<CertificateBundle, ValueRefusal> {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .failure(.init("\(accepted); this file cannot be read"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(.init("\(accepted); this file is not PEM text"))
        }
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        var count = 0
        var rest = Substring(text)
        while let start = rest.range(of: begin) {
            guard let stop = rest[start.upperBound...].range(of: end) else {
                return .failure(.init("\(accepted); certificate \(count + 1) has no END line"))
            }
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            guard let der = Data(base64Encoded: String(body)), isDERSequence(der) else {
                return .failure(.init("\(accepted); certificate \(count + 1) is not valid base64 DER"))
            }
            count += 1
            rest = rest[stop.upperBound...]
        }
        guard count > 0 else {
            return .failure(.init("\(accepted); this file holds no certificate"))
        }
        return .success(CertificateBundle(path: path, pem: data, certificateCount: count))
    }

    /// Whether `der` is one whole DER SEQUENCE, as every X.509 certificate is: catches truncated
    /// and pasted-together blocks without parsing X.509 here.
    private static func isDERSequence(_ der: Data) -> Bool {
        let bytes = [UInt8](der)
        guard bytes.count >= 2, bytes[0] == 0x30 else { return false }
        var length = Int(bytes[1])
        var header = 2
        if length & 0x80 != 0 {
            let octets = length & 0x7F
            guard (1...4).contains(octets), bytes.count >= 2 + octets else { return false }
            length = bytes[2..<(2 + octets)].reduce(0) { $0 << 8 | Int($1) }
            header += octets
        }
        return header + length == bytes.count
    }
}
