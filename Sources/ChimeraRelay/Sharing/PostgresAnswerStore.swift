import ChimeraCore
import HTTPTypes
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// Successful answers kept in a PostgreSQL table (`CHIMERA_CACHE=postgres`), so every instance
/// that uses the same database shares them: an answer cached through one is a hit on another.
///
/// The table is created on first use. Expiry is the database's clock (`now()`), so instances
/// whose clocks differ agree on it; expired rows, and the oldest rows past
/// ``ResponseSharingConfiguration/cacheMaxBytes``, are deleted at most every 30 s by an
/// instance that stores. A database that is slow or down is a miss, logged, never a failed
/// request: a lookup or a store waits at most ``limit``.
final class PostgresAnswerStore: AnswerStore {
    /// The client; run it as a ServiceLifecycle service (``Relay/services``).
    let client: PostgresClient
    private let ttl: Duration
    private let maxBytes: Int
    private let logger: Logger
    private let schema = Mutex<Task<Void, any Error>?>(nil)
    private let lastSweep = Mutex<ContinuousClock.Instant?>(nil)

    /// The longest a lookup waits for the database before the request goes upstream, and a
    /// store before the answer's end reaches its callers.
    static let limit = Duration.seconds(1)
    static let sweepInterval = Duration.seconds(30)
    static let table = "chimera_response_cache"

    init(location: PostgresLocation, ttl: Duration, maxBytes: Int, logger: Logger) {
        let tls: PostgresClient.Configuration.TLS = location.tls == .require ? .require(.makeClientConfiguration()) : .disable
        let configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password?.value, database: location.database, tls: tls
        )
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.ttl = ttl
        self.maxBytes = maxBytes
        self.logger = logger
    }

    func lookup(_ key: RequestKey) async -> SharedAnswer.Recording? {
        do {
            let found = try await withDeadline(.now + Self.limit) { [self] () async throws -> SharedAnswer.Recording? in
                try await ensureSchema()
                let rows = try await client.query(
                    "SELECT status, headers, body FROM chimera_response_cache WHERE key = \(ByteBuffer(bytes: key.bytes)) AND expires_at > now()",
                    logger: logger
                )
                for try await (status, headers, body) in rows.decode((Int, String, ByteBuffer).self) {
                    return try Self.recording(status: status, headers: headers, body: body)
                }
                return nil
            }
            guard let found else { throw LimitPassed() }
            return found
        } catch {
            logger.warning("the response cache's database did not answer a lookup; the request goes upstream", metadata: ["error": "\(Redaction.redact(String(reflecting: error)))"])
            return nil
        }
    }

    func store(_ recording: SharedAnswer.Recording, under key: RequestKey) async {
        let bytes = recording.storedBytes
        guard bytes <= maxBytes else { return }
        let seconds = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        do {
            let stored: Void? = try await withDeadline(.now + Self.limit) { [self] in
                try await ensureSchema()
                try await client.query(
                    """
                    INSERT INTO chimera_response_cache (key, status, headers, body, bytes, expires_at)
                    VALUES (\(ByteBuffer(bytes: key.bytes)), \(Int(recording.status.code)), \(Self.headerText(recording.headers)), \(Self.body(recording.chunks)), \(bytes), now() + make_interval(secs => \(seconds)))
                    ON CONFLICT (key) DO UPDATE SET status = EXCLUDED.status, headers = EXCLUDED.headers, body = EXCLUDED.body,
                        bytes = EXCLUDED.bytes, expires_at = EXCLUDED.expires_at
                    """,
                    logger: logger
                )
            }
            if stored == nil { throw LimitPassed() }
        } catch {
            logger.warning("the response cache's database did not keep an answer", metadata: ["error": "\(Redaction.redact(String(reflecting: error)))"])
            return
        }
        // Off the answer's path: nobody waits for the sweep.
        if sweepIsDue() {
            Task { [self] in
                do {
                    try await sweep()
                } catch {
                    logger.warning("the response cache's database did not delete expired answers", metadata: ["error": "\(Redaction.redact(String(reflecting: error)))"])
                }
            }
        }
    }

    /// Whether a ``sweepInterval`` has passed since this instance's last sweep; starts a new one if so.
    private func sweepIsDue() -> Bool {
        let now = ContinuousClock.now
        return lastSweep.withLock { last in
            guard last.map({ now - $0 >= Self.sweepInterval }) ?? true else { return false }
            last = now
            return true
        }
    }

    /// Deletes expired rows, then the oldest past the bound.
    private func sweep() async throws {
        try await client.query("DELETE FROM chimera_response_cache WHERE expires_at <= now()", logger: logger)
        try await client.query(
            """
            DELETE FROM chimera_response_cache WHERE key IN (
                SELECT key FROM (SELECT key, sum(bytes) OVER (ORDER BY expires_at DESC, key) AS newer FROM chimera_response_cache) ranked
                WHERE newer > \(maxBytes))
            """,
            logger: logger
        )
    }

    /// Creates the table once per process; a failure is tried again on the next use.
    private func ensureSchema() async throws {
        let task = schema.withLock { task in
            if let task { return task }
            let created = Task { [client, logger] in
                try await client.query(
                    """
                    CREATE TABLE IF NOT EXISTS chimera_response_cache (
                        key bytea PRIMARY KEY, status integer NOT NULL, headers text NOT NULL, body bytea NOT NULL,
                        bytes bigint NOT NULL, expires_at timestamptz NOT NULL)
                    """,
                    logger: logger
                )
                try await client.query("CREATE INDEX IF NOT EXISTS chimera_response_cache_expires_at ON chimera_response_cache (expires_at)", logger: logger)
            }
            task = created
            return created
        }
        do {
            try await task.value
        } catch {
            schema.withLock { $0 = nil }
            // Two instances creating the table at once: one wins, the other's CREATE fails on
            // the catalog's unique index. The table is there then; any other failure is real.
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" { return }
            throw error
        }
    }

    // MARK: Rows

    /// Headers as `name: value` lines (a header value holds no line break).
    static func headerText(_ headers: HTTPFields) -> String {
        headers.map { "\($0.name.canonicalName): \($0.value)" }.joined(separator: "\n")
    }

    /// The chunks, each as a 4-byte big-endian length and its bytes, so a stream replays in the
    /// pieces it was written in.
    static func body(_ chunks: [ByteBuffer]) -> ByteBuffer {
        var body = ByteBuffer()
        for chunk in chunks {
            body.writeInteger(UInt32(chunk.readableBytes))
            body.writeImmutableBuffer(chunk)
        }
        return body
    }

    static func recording(status: Int, headers: String, body: ByteBuffer) throws -> SharedAnswer.Recording {
        var fields = HTTPFields()
        for line in headers.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { throw StoredAnswerDamaged() }
            fields.append(HTTPField(name: name, value: String(line[line.index(after: colon)...].dropFirst())))
        }
        var body = body
        var chunks: [ByteBuffer] = []
        while body.readableBytes > 0 {
            guard let length = body.readInteger(as: UInt32.self), let chunk = body.readSlice(length: Int(length)) else { throw StoredAnswerDamaged() }
            chunks.append(chunk)
        }
        return SharedAnswer.Recording(status: HTTPResponse.Status(code: status), headers: fields, chunks: chunks)
    }

    struct LimitPassed: Error, CustomStringConvertible {
        var description: String { "no answer within \(PostgresAnswerStore.limit.formattedSeconds)" }
    }

    struct StoredAnswerDamaged: Error, CustomStringConvertible {
        var description: String { "a row of chimera_response_cache is not in the shape Chimera writes" }
    }
}
