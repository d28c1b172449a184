import ArgumentParser
import STSProcCore

extension EnvironmentExport.Format: ExpressibleByArgument {}

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print the profile's credentials as environment variable assignments.",
        discussion: """
            Replaces copying keys by hand into `export` lines. Sets AWS_ACCESS_KEY_ID, \
            AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION, quoted for the \
            chosen shell, and unsets those the credentials do not have; AWS_REGION and \
            AWS_DEFAULT_REGION too when the profile has a region.

            Examples:
              eval "$(sts-proc env --profile prod)"
              sts-proc env --profile prod --format fish | source
              sts-proc env --profile prod --format powershell | Invoke-Expression
            """)

    @OptionGroup var options: ProfileOptions

    @Option(name: .long, help: "sh, fish, powershell, dotenv or json.")
    var format: EnvironmentExport.Format = .sh

    @Flag(name: .long, help: "Ask STS even if the keyring holds a fresh credential.")
    var refresh = false

    func run() throws {
        let service = CredentialService.forThisProcess()
        let profile = service.profileName(explicit: options.profile)
        try runReportingErrors { () throws(STSProcError) in
            let credentials = try service.credentials(profile: profile, refresh: refresh, note: QuietNotes(environment: service.environment).gate(StandardStreams.writeError))
            try CredentialCheck.requireUsable(credentials, profile: profile)
            let region = try service.configuredRegion(profile: profile)
            StandardStreams.writeOutput(EnvironmentExport.render(credentials, format: format, region: region))
        }
    }
}
