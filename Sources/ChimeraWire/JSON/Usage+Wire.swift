import ChimeraCore

extension Usage {
    /// Usage from counts read off the wire, summed without overflow.
    ///
    /// Counts come from untrusted bodies; a hostile `Int.max` must not trap the process, so sums
    /// saturate instead.
    ///
    /// - Parameters:
    ///   - input: The input counts to add up (Anthropic's plain, cache-write and cache-read tokens).
    ///   - output: The output counts to add up (Gemini's candidate and thought tokens).
    ///   - total: The provider's total, when it gives one.
    static func wire(input: [Int], output: [Int], total: Int?) -> Usage {
        let inputTokens = saturatingSum(input)
        let outputTokens = saturatingSum(output)
        return Usage(
            inputTokens: inputTokens,
            outputTokens: outputTokens,
            totalTokens: total ?? saturatingSum([inputTokens, outputTokens])
        )
    }

    private static func saturatingSum(_ values: [Int]) -> Int {
        values.reduce(0) { sum, value in
            let (result, overflow) = sum.addingReportingOverflow(value)
            return overflow ? (value > 0 ? .max : .min) : result
        }
    }
}
