import ArgumentParser
import STSProcCore

@main
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
        subcommands: [CredentialsCommand.self, EnvCommand.self, WriteCommand.self, WhoamiCommand.self, DoctorCommand.self,
                      CacheCommand.self, SAMLCommand.self],
        defaultSubcommand: CredentialsCommand.self)
}

/// Shared by every command that resolves a profile.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: "The profile to resolve (default: $AWS_PROFILE, else 'default').")
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
