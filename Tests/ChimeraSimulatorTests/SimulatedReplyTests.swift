import ChimeraCore
import Testing

@testable import ChimeraSimulator

@Suite("Reply planning")
struct SimulatedReplyTests {
    private func prompt(_ user: String = "", maxWords: Int? = nil, stop: [String] = []) -> ChatPrompt {
        ChatPrompt(
            model: "m@words=9",
            inputWords: 2,
            lastUserWords: user.split(separator: " "),
            maxOutputWords: maxWords,
            stopSequences: stop,
            stream: false,
            includeUsage: false
        )
    }

    @Test func piecesAreWordsWithTheirFollowingSpace() {
        let reply = SimulatedReply(to: prompt(), fillerWords: 4)
        #expect(Array(reply.pieces()) == ["w1 ", "w2 ", "w3 ", "w4"])
        #expect(reply.text == "w1 w2 w3 w4")
        #expect(reply.outputTokens == 4)
        #expect(reply.totalTokens == 6)
        #expect(reply.finishReason == .stop)
    }

    @Test func outputLimitLeavesNoTrailingSpace() {
        let reply = SimulatedReply(to: prompt(maxWords: 2), fillerWords: 4)
        #expect(reply.text == "w1 w2")
        #expect(reply.finishReason == .length)
        #expect(reply.outputTokens == 2)
    }

    @Test func stopSequenceSpanningPiecesCutsWhereItStarts() {
        let reply = SimulatedReply(to: prompt(stop: ["2 w3"]), fillerWords: 5)
        #expect(Array(reply.pieces()) == ["w1 ", "w"])
        #expect(reply.finishReason == .stopSequence)
        #expect(reply.stopSequence == "2 w3")
        #expect(reply.outputTokens == 2)
    }

    @Test func stopSequenceCompletedFirstWinsOverOneThatStartedEarlier() {
        // "w2 w3 w4" starts first but "w3" is complete one piece earlier, as a model would emit it.
        let reply = SimulatedReply(to: prompt(stop: ["w2 w3 w4", "w3"]), fillerWords: 5)
        #expect(reply.text == "w1 w2 ")
        #expect(reply.stopSequence == "w3")
        #expect(reply.outputTokens == 2)
    }

    @Test func stopSequenceBeyondTheOutputLimitDoesNotApply() {
        let reply = SimulatedReply(to: prompt(maxWords: 2, stop: ["w3"]), fillerWords: 5)
        #expect(reply.text == "w1 w2")
        #expect(reply.finishReason == .length)
    }

    @Test func stopSequenceAtTheStartLeavesAnEmptyReply() {
        let reply = SimulatedReply(to: prompt(stop: ["Simulated"]), fillerWords: nil)
        #expect(reply.text == "")
        #expect(Array(reply.pieces()).isEmpty)
        #expect(reply.outputTokens == 0)
    }

    @Test func conversationReplyRepeatsTheLastUserWordsAfterTheBareModelName() {
        let reply = SimulatedReply(to: prompt("héllo   there 🌍"), fillerWords: nil)
        #expect(reply.text == "Simulated reply from m: héllo there 🌍")
        #expect(reply.outputTokens == 7)
    }

    @Test func fillerIsGeneratedLazily() {
        let reply = SimulatedReply(to: prompt(), fillerWords: SimulatorOptions.maximumWords)
        #expect(reply.pieces().prefix(2).map { $0 } == ["w1 ", "w2 "])
        #expect(reply.outputTokens == 1_000_000)
    }

    @Test func switchesParseFromTheModelAndTheHeader() throws {
        let options = try SimulatorOptions(model: "gpt@latency=20,split=3,crlf", header: "words=7, latency=5")
        #expect(options.latency == .milliseconds(20))
        #expect(options.split == 3)
        #expect(options.crlf)
        #expect(options.words == 7)
        #expect(SimulatorOptions.baseModel("gpt@latency=20") == "gpt")
        #expect(throws: SimulatedFailure.self) { try SimulatorOptions(model: "gpt@split=0", header: nil) }
        #expect(throws: SimulatedFailure.self) { try SimulatorOptions(model: "gpt@words=1000001", header: nil) }
        #expect(throws: SimulatedFailure.self) { try SimulatorOptions(model: "gpt@crlf=yes", header: nil) }
    }
}
