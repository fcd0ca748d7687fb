import ChimeraStatus
import Testing

@Suite struct HTMLTests {
    @Test func escapesTheFiveCharactersThatEndTextOrAnAttribute() {
        #expect(HTML.escape(#"<script>alert("x" & 'y')</script>"#) == "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;")
    }

    @Test func leavesOtherTextAsItIs() {
        #expect(HTML.escape("gpt-4.1 · 20 ms — ✕ Ünïcode") == "gpt-4.1 · 20 ms — ✕ Ünïcode")
        #expect(HTML.escape("") == "")
    }

    @Test func escapingTwiceEscapesTheAmpersandsOfTheFirst() {
        #expect(HTML.escape(HTML.escape("<")) == "&amp;lt;")
    }
}
