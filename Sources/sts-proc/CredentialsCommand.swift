import ArgumentParser
import STSProcCore

/// The default command: what `credential_process` runs.
struct CredentialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Print the profile's credentials as the credential_process JSON document (the default command).",
        discussion: """
            Serves the credential from the keyring while it has more than sts_proc_min_ttl \
            seconds left (default 960), otherwise asks STS and caches the answer.

            Example: sts-proc --profile prod
            """)

    @OptionGroup var options: ProfileOptions

    @Flag(name: .long, help: "Ask STS even if the keyring holds a fresh credential, and cache the new one.")
    var refresh = false

    func run() throws {
        try Self.fetchAndPrint(profile: options.profile, refresh: refresh)
    }

    /// The whole default command; also called directly by `EntryPoint`'s fast path.
    static func fetchAndPrint(profile explicitProfile: String?, refresh: Bool) throws {
        let service = CredentialService.forThisProcess()
        let profile = service.profileName(explicit: explicitProfile)
        try runReportingErrors { () throws(STSProcError) in
            try Self.requireNamedProfile(explicitProfile, environment: service.environment)
            QuietNotes(environment: service.environment).deliverPending(StandardStreams.writeError)
            let credentials = try service.credentials(profile: profile, refresh: refresh, storeAfterPrinting: true,
                                                      note: QuietNotes(environment: service.environment).gate(StandardStreams.writeError))
            try CredentialCheck.requireUsable(credentials, profile: profile)
            StandardStreams.writeOutput(CredentialDocument.json(credentials))
        }
    }
}

extension CredentialsCommand {
    /// **Decision** (README, "Files and variables"): the credential document is printed
    /// only for a profile that was named, by `--profile` or `AWS_PROFILE`. An SDK does not
    /// tell credential_process which profile it is resolving; a line without `--profile`
    /// under `[profile prod]` would otherwise print `default`'s credentials, and the caller
    /// would silently act as another identity. The other commands fall back to `default`,
    /// as the AWS CLI does, because a person reads what they print.
    static func requireNamedProfile(_ explicitProfile: String?, environment: [String: String]) throws(STSProcError) {
        if let explicitProfile, !explicitProfile.isEmpty { return }
        if let named = environment["AWS_PROFILE"], !named.isEmpty { return }
        throw STSProcError(.configuration, failure: "no profile named",
                           reason: "neither --profile nor AWS_PROFILE says which profile to resolve, and the SDK running credential_process does not tell",
                           remedy: "Add --profile NAME to the credential_process line (sts-proc --profile NAME)")
    }
}

extension CredentialService {
    /// The service with this process's environment and clock.
    static func forThisProcess() -> CredentialService {
        CredentialService(environment: ProcessEnvironment.current(),
                          now: UTCTime(secondsSinceEpoch: ProcessEnvironment.now()))
    }
}
