import ArgumentParser

/// The `chimera` command-line tool.
@main
struct ChimeraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chimera",
        abstract: "One typed gateway to OpenAI, Anthropic, Gemini, DeepSeek, Qwen and Cursor, direct or through a local LLM proxy.",
        subcommands: [
            ChatCommand.self,
            ProxyCommand.self,
            ServeCommand.self,
            HealthCommand.self,
            DemoCommand.self,
            SimulateCommand.self,
            ConfigCommand.self,
            AuditCommand.self,
            BenchCommand.self,
        ]
    )
}
