import ChimeraCore
import ChimeraWire
import Testing

/// A `thoughtSignature` is protobuf `bytes`: Google reads it in either base64 alphabet, and
/// google-genai sends it back URL-safe. Read into the domain it is standard base64, so another
/// family (Anthropic, which compares the exact text it issued) gets its signature back intact.
@Suite("Gemini: thought signatures in either base64 alphabet")
struct GeminiSignatureAlphabetTests {
    @Test func aURLSafeSignatureIsReadAsStandardBase64() throws {
        let signature = "DSUK0h+iZMOosVkGqxXTvL+kEiNjYpxHum1paMZiBHA="
        let urlSafe = "DSUK0h-iZMOosVkGqxXTvL-kEiNjYpxHum1paMZiBHA"
        let body = """
            {"contents": [
              {"role": "user", "parts": [{"text": "Weather?"}]},
              {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "\(urlSafe)"}]},
              {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"temp": 21}}}]}
            ]}
            """
        let request = try GeminiHarness.decode(body)
        let call = try #require(request.messages[1].toolCalls.first)
        let signatures = request.messages[1].parts.compactMap { part -> String? in
            if case .reasoning(let reasoning) = part { return reasoning.signature }
            return nil
        }
        #expect((call.signature ?? signatures.first) == signature, "\(request.messages[1].parts)")
    }

    @Test func base64TextConvertsBetweenAlphabets() {
        #expect(Base64Text.standard("DSUK0h-iZMOosVkGqxXTvL-kEiNjYpxHum1paMZiBHA") == "DSUK0h+iZMOosVkGqxXTvL+kEiNjYpxHum1paMZiBHA=")
        #expect(Base64Text.standard("c2lnLTE=") == "c2lnLTE=")
        #expect(Base64Text.standard("not base64!") == nil)
        #expect(Base64Text.urlSafe("DSUK0h+iZMOosVkGqxXTvL+kEiNjYpxHum1paMZiBHA=") == "DSUK0h-iZMOosVkGqxXTvL-kEiNjYpxHum1paMZiBHA")
    }
}
