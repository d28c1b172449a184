import ArgumentParser
import STSProcCore

/// The default command: what `credential_process` runs.
struct CredentialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Print the profile's credentials as the credential_process JSON document (the default command).",
        discussion: "Example: sts-proc --profile prod")

    @OptionGroup var options: ProfileOptions

    func run() throws {
        let service = CredentialService(environment: ProcessEnvironment.current(),
                                        now: UTCTime(secondsSinceEpoch: ProcessEnvironment.now()))
        let profile = service.profileName(explicit: options.profile)
        try runReportingErrors { () throws(STSProcError) in
            let credentials = try service.credentials(profile: profile)
            StandardStreams.writeOutput(CredentialDocument.json(credentials))
        }
    }
}
