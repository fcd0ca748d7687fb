import ArgumentParser
import Chimera
import Foundation

/// What `chimera chat --image` and `--json-schema` add to the request, read from the command line.
enum ChatAttachments {
    /// The extensions `--image` reads as images, by media type.
    static let imageTypes = Media.mediaTypesByExtension.filter { $0.value.hasPrefix("image/") }

    /// An image part: an `http(s)` URL as it is, or a file's bytes in base64 with the media type
    /// its extension names.
    ///
    /// - Throws: `ValidationError` naming the file and what is accepted.
    static func image(_ argument: String) throws -> ContentPart {
        if argument.hasPrefix("https://") || argument.hasPrefix("http://") { return .image(url: argument) }
        let url = URL(fileURLWithPath: argument)
        guard let mediaType = Media.mediaType(impliedBy: url.lastPathComponent), mediaType.hasPrefix("image/") else {
            throw ValidationError("--image \(argument): not an image file this reads; accepted: an http(s) URL or a file ending in \(imageTypes.keys.sorted().map { "." + $0 }.joined(separator: ", "))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ValidationError("--image \(argument): cannot be read (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw ValidationError("--image \(argument): the file is empty") }
        return .image(base64: data.base64EncodedString(), mediaType: mediaType)
    }

    /// Structured output by the JSON Schema in a file, named after the file.
    ///
    /// - Throws: `ValidationError` naming the file and what is wrong with it.
    static func jsonSchema(_ path: String) throws -> ResponseFormat {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ValidationError("--json-schema \(path): cannot be read (\(error.localizedDescription))")
        }
        let schema: JSONValue
        do {
            schema = try JSONValue(parsing: Array(data))
        } catch {
            throw ValidationError("--json-schema \(path): not JSON (\(error))")
        }
        guard schema.object != nil else {
            throw ValidationError("--json-schema \(path): a JSON Schema is an object, such as {\"type\": \"object\", \"properties\": {…}}")
        }
        // Providers accept names of letters, digits, _ and - only.
        let stem = url.deletingPathExtension().lastPathComponent
        let name = String(stem.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(64))
        return .jsonSchema(JSONSchemaFormat(name: name.isEmpty ? "schema" : name, schema: schema, strict: true))
    }
}
