import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

@Suite("Images and documents")
struct AttachmentTests {
    /// 68 bytes, base64-encoded: the size the acknowledgement must report.
    static let image = Data((0..<68).map { UInt8($0) }).base64EncodedString()
    static let pdf = Data("%PDF-1.7 simulated document".utf8).base64EncodedString()

    @Test func openAIAcknowledgesImagesAndFilesInPlace() async throws {
        try await withSimulator { simulator in
            let request = #"""
                {"model":"gpt-4.1","messages":[{"role":"user","content":[{"type":"text","text":"Compare"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,\#(Self.image)","detail":"low"}},
                 {"type":"image_url","image_url":{"url":"https://example.com/b.jpg"}},
                 {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,\#(Self.pdf)"}},
                 {"type":"text","text":"please"}]}]}
                """#
            let body = try await post(.openAIChat, request, to: simulator).json()
            #expect(
                unaryText(.openAI, body)
                    == "Simulated reply from gpt-4.1: Compare [image image/png 68 bytes] [image url https://example.com/b.jpg] [document application/pdf 27 bytes] please"
            )
            #expect(body["usage"]["prompt_tokens"].int == 2)
        }
    }

    @Test func anthropicAcknowledgesImageAndDocumentBlocksInPlace() async throws {
        try await withSimulator { simulator in
            let request = #"""
                {"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":[
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(Self.image)"}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/b.jpg"}},
                 {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"\#(Self.pdf)"}},
                 {"type":"document","source":{"type":"url","url":"https://example.com/c.pdf"}},
                 {"type":"document","source":{"type":"text","media_type":"text/plain","data":"hello"}},
                 {"type":"text","text":"Summarise"}]}]}
                """#
            let events = try await post(.anthropicMessages, request, to: simulator).events()
            #expect(
                try streamedText(.anthropic, events)
                    == "Simulated reply from claude-sonnet-4-5: [image image/png 68 bytes] [image url https://example.com/b.jpg] [document application/pdf 27 bytes] [document url https://example.com/c.pdf] [document text/plain 5 bytes] Summarise"
            )
        }
    }

    @Test func geminiAcknowledgesInlineAndFileDataInPlace() async throws {
        try await withSimulator { simulator in
            let request = #"""
                {"contents":[{"role":"user","parts":[{"text":"What is"},{"inlineData":{"mimeType":"image/png","data":"\#(Self.image)"}},
                 {"fileData":{"mimeType":"application/pdf","fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc"}},
                 {"inlineData":{"mimeType":"audio/wav","data":"AAAA"}}]}]}
                """#
            let body = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), request, to: simulator).json()
            #expect(
                unaryText(.gemini, body)
                    == "Simulated reply from gemini-2.5-flash: What is [image image/png 68 bytes] [document url https://generativelanguage.googleapis.com/v1beta/files/abc] [audio audio/wav 3 bytes]"
            )
        }
    }

    @Test(arguments: [
        (Endpoint.openAIChat, #"{"model":"gpt-4.1","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,not*base64"}}]}]}"#, "messages[0].content[0].image_url.url"),
        (Endpoint.openAIChat, #"{"model":"gpt-4.1","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:text/plain;base64,aGk="}}]}]}"#, "messages[0].content[0].image_url.url"),
        (Endpoint.anthropicMessages, #"{"model":"claude-sonnet-4-5","max_tokens":9,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/tiff","data":"aGk="}}]}]}"#, "messages.0.content.0.source.base64.media_type"),
        (Endpoint.anthropicMessages, #"{"model":"claude-sonnet-4-5","max_tokens":9,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"a b"}}]}]}"#, "messages.0.content.0.source.base64.data"),
        (Endpoint.gemini(model: "gemini-2.5-flash", method: "generateContent"), #"{"contents":[{"parts":[{"inlineData":{"mimeType":"image/png","data":"%%%"}}]}]}"#, "contents[0].parts[0].inlineData.data"),
        (Endpoint.gemini(model: "gemini-2.5-flash", method: "generateContent"), #"{"contents":[{"parts":[{"inlineData":{"data":"aGk="}}]}]}"#, "contents[0].parts[0].inlineData.mimeType"),
    ])
    func malformedImageDataOrMediaTypeIsA400NamingTheField(endpoint: Endpoint, request: String, field: String) async throws {
        try await withSimulator { simulator in
            let response = try await post(endpoint, request, to: simulator)
            #expect(response.status == 400)
            let error = try response.json()["error"]
            #expect(error["message"].string?.contains(field) == true, "\(error["message"].string ?? "")")
        }
    }
}
