import ArgumentParser
import Glibc
import STSProcCore

struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command with the profile's credentials, kept fresh for as long as it runs.",
        discussion: """
            By default the credentials are served to the command from a credential endpoint on \
            127.0.0.1 (the ECS container protocol every SDK and the AWS CLI read: \
            AWS_CONTAINER_CREDENTIALS_FULL_URI and a random AWS_CONTAINER_AUTHORIZATION_TOKEN), \
            answered through the cache, so a command that runs for hours never holds an expired \
            credential. --no-server exports the `env` variables instead and replaces sts-proc \
            with the command. Both set AWS_REGION and AWS_DEFAULT_REGION from the profile's \
            region and unset AWS_PROFILE and AWS_DEFAULT_PROFILE. sts-proc exits with the \
            command's status (127 when it cannot be found, 126 when it cannot be run).

            Examples:
              sts-proc exec --profile prod -- terraform apply
              sts-proc exec --profile prod --no-server -- aws s3 ls
            """)

    @OptionGroup var options: ProfileOptions

    @Flag(name: .customLong("no-server"), help: "Export the credentials as variables and replace sts-proc with the command.")
    var noServer = false

    @Flag(name: .long, help: "Allow running inside another sts-proc exec (its credentials are replaced).")
    var nested = false

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.")
    var command: [String] = []

    mutating func validate() throws {
        // Passthrough capture takes `--help` for the command when it comes first.
        if command.first == "--help" || command.first == "-h" { throw CleanExit.helpRequest(self) }
        if command.first == "--" { command.removeFirst() }
        guard !command.isEmpty else { throw ValidationError("Name the command to run after --, e.g. sts-proc exec --profile prod -- aws s3 ls") }
    }

    func run() throws {
        let service = CredentialService.forThisProcess()
        let profile = service.profileName(explicit: options.profile)
        var childEnvironment: [String: String] = [:]
        var server: CredentialEndpointServer?
        try runReportingErrors { () throws(STSProcError) in
            if let outer = service.environment[ExecEnvironment.marker], !nested {
                throw STSProcError(.configuration, profile: profile, failure: "exec refused",
                                   reason: "this shell already runs inside `sts-proc exec` with profile \(outer)",
                                   remedy: "Leave that command first, or pass --nested to replace its credentials on purpose")
            }
            let notes = QuietNotes(environment: service.environment).gate(StandardStreams.writeError)
            // Fetched before the command starts: an MFA prompt or an error comes now, not
            // in the middle of the command's own output.
            let credentials = try service.credentials(profile: profile, note: notes)
            try CredentialCheck.requireUsable(credentials, profile: profile)
            let region = try service.configuredRegion(profile: profile)
            if noServer {
                childEnvironment = ExecEnvironment.make(from: service.environment, profile: profile, region: region,
                                                        credentials: .variables(credentials))
                return
            }
            let endpoint: CredentialEndpointServer
            do throws(CredentialEndpointServer.Failure) {
                endpoint = try CredentialEndpointServer(serve: { Self.serve(profile: profile) })
            } catch {
                throw Self.serverFailure(error, profile: profile)
            }
            server = endpoint
            childEnvironment = ExecEnvironment.make(from: service.environment, profile: profile, region: region,
                                                    credentials: .endpoint(url: endpoint.url, token: endpoint.token))
        }
        if noServer { Self.replaceProcess(with: command, environment: childEnvironment) }
        let outcome = ChildProcess.run(command, environment: childEnvironment)
        withExtendedLifetime(server) {}
        switch outcome {
        case .success(let status): ChildProcess.exit(like: status)
        case .failure(let failure):
            StandardStreams.writeError("sts-proc: profile \(profile): \(failure.explanation). Check the command name and PATH.")
            throw ExitCode(failure.exitCode)
        }
    }

    /// One request of the command's SDKs: a run of its own, with its own deadline and clock.
    @Sendable static func serve(profile: String) -> Result<AWSCredentials, STSProcError> {
        RunDeadline.restart()
        let service = CredentialService.forThisProcess()
        do throws(STSProcError) {
            let credentials = try service.credentials(profile: profile,
                                                      note: QuietNotes(environment: service.environment).gate(StandardStreams.writeError))
            try CredentialCheck.requireUsable(credentials, profile: profile)
            return .success(credentials)
        } catch {
            // The SDK's own message may be all the command shows; the line goes to the terminal too.
            StandardStreams.writeError(error.message)
            return .failure(error)
        }
    }

    static func serverFailure(_ failure: CredentialEndpointServer.Failure, profile: String) -> STSProcError {
        switch failure {
        case .libraryMissing:
            return STSProcError(.unavailable, profile: profile, failure: "cannot serve credentials to the command",
                                reason: "libmicrohttpd is not installed",
                                remedy: "Install libmicrohttpd12 (apt-get install libmicrohttpd12), or use exec --no-server")
        case .cannotListen:
            return STSProcError(.unavailable, profile: profile, failure: "cannot serve credentials to the command",
                                reason: "no port could be opened on 127.0.0.1", remedy: "Use exec --no-server")
        case .noRandomToken:
            return STSProcError(.unavailable, profile: profile, failure: "cannot serve credentials to the command",
                                reason: "the kernel gave no random bytes for the endpoint's token", remedy: "Use exec --no-server")
        }
    }

    /// `--no-server`: the command takes sts-proc's place (same process, signals and status
    /// are its own); returns only by exiting when the command cannot be run.
    static func replaceProcess(with command: [String], environment: [String: String]) -> Never {
        let argv = command.map { strdup($0) } + [nil]
        // execvp searches the PATH of the process's own environment (execvpe is a GNU
        // extension Swift does not see): the command's environment becomes ours first.
        clearenv()
        for (name, value) in environment { setenv(name, value, 1) }
        execvp(command[0], argv)
        let code = errno
        StandardStreams.writeError("sts-proc: cannot run \(command[0]): \(String(cString: strerror(code))). Check the command name and PATH.")
        Glibc.exit(code == ENOENT ? 127 : 126)
    }
}
