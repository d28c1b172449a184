import ArgumentParser
import Glibc
import STSProcCore

@main
enum EntryPoint {
    /// `sts-proc --profile NAME` is what credential_process runs thousands of times a day;
    /// exactly that form skips building swift-argument-parser's command tree (about a
    /// third of the process's own start-up, BENCHMARKS.md) and runs the default command
    /// as the parser would. Every other form goes through the parser.
    static func main() {
        RunDeadline.markStart()
        StandardStreams.ensureOpen()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == [BackgroundStore.argument] { BackgroundStore.runStoreProcess() }
        // Typed at a terminal, bare `sts-proc` is a person asking what it does; an SDK
        // always captures stdout.
        if arguments.isEmpty && isatty(STDOUT_FILENO) == 1 {
            StandardStreams.writeOutput(STSProcCommand.helpMessage())
            return
        }
        if let profile = fastPathProfile(arguments) {
            do {
                try CredentialsCommand.fetchAndPrint(profile: profile, refresh: false)
            } catch {
                STSProcCommand.exit(withError: error)
            }
            return
        }
        STSProcCommand.main()
    }

    static func fastPathProfile(_ arguments: [String]) -> String? {
        if arguments.count == 2, arguments[0] == "--profile", !arguments[1].hasPrefix("-") { return arguments[1] }
        if arguments.count == 1, arguments[0].hasPrefix("--profile="), arguments[0].count > "--profile=".count {
            return String(arguments[0].dropFirst("--profile=".count))
        }
        return nil
    }
}

struct STSProcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sts-proc",
        abstract: "AWS credentials from STS for credential_process, kept in the Secret Service keyring.",
        discussion: """
            Put this in ~/.aws/config and every AWS SDK and the AWS CLI will use it:

              [profile prod]
              credential_process = sts-proc --profile prod
              sts_proc_role_arn = arn:aws:iam::111122223333:role/Admin
              sts_proc_source_profile = base
            """,
        version: STSProcVersion.current,
        subcommands: [CredentialsCommand.self, EnvCommand.self, ExecCommand.self, LoginCommand.self, WriteCommand.self,
                      WhoamiCommand.self, DoctorCommand.self, ListCommand.self, CacheCommand.self, SAMLCommand.self,
                      SSOCommand.self, KeysCommand.self],
        defaultSubcommand: CredentialsCommand.self)
}

/// Shared by every command that resolves a profile.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: "The profile to resolve (default: $AWS_PROFILE, else 'default').", completion: .profileNames)
    var profile: String?
}

/// Runs a body that may fail with an `STSProcError`, printing its one line and exiting
/// with its code; stdout stays empty on failure.
func runReportingErrors(_ body: () throws(STSProcError) -> Void) throws(ExitCode) {
    do {
        try body()
    } catch {
        StandardStreams.writeError(error.message)
        throw ExitCode(error.exitCode)
    }
}
