import ArgumentParser
import Glibc
import STSProcCore

struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Open the AWS console signed in as the profile's role.",
        discussion: """
            Asks the console federation endpoint for a sign-in token with the profile's session \
            (long-term keys are first turned into a federation token) and opens the console of \
            the profile's partition in the browser with xdg-open. With --print, or without a \
            display, prints the login URL instead; it is valid for 15 minutes and signs in \
            whoever opens it, so treat it as a password.

            Examples:
              sts-proc login --profile prod
              sts-proc login --profile prod --print --destination https://console.aws.amazon.com/s3/
            """)

    @OptionGroup var options: ProfileOptions

    @Flag(name: .long, help: "Print the login URL instead of opening the browser.")
    var print = false

    @Option(name: .long, help: "Console session length in seconds (900–43200 for a role; 900–129600 for long-term keys, default 3600).")
    var duration: Int?

    @Option(name: .long, help: "The console page to open (default: the console home of the profile's region).")
    var destination: String?

    func run() throws {
        let service = CredentialService.forThisProcess()
        let profile = service.profileName(explicit: options.profile)
        var url = ""
        try runReportingErrors { () throws(STSProcError) in
            url = try service.consoleLoginURL(profile: profile, duration: duration, destination: destination,
                                              note: QuietNotes(environment: service.environment).gate(StandardStreams.writeError))
        }
        let hasDisplay = service.environment.nonEmptyValue("DISPLAY") || service.environment.nonEmptyValue("WAYLAND_DISPLAY")
        if print || !hasDisplay {
            StandardStreams.writeOutput(url)
            return
        }
        if Self.openInBrowser(url) {
            StandardStreams.writeError("sts-proc: profile \(profile): the console is open in your browser.")
        } else {
            StandardStreams.writeError("sts-proc: profile \(profile): note: the browser did not open the page; open this URL yourself (valid 15 minutes).")
            StandardStreams.writeOutput(url)
        }
    }

    /// Starts the browser on a one-time loopback address that redirects to `url`, so the
    /// sign-in token never appears on a command line; true once the browser has been there.
    static func openInBrowser(_ url: String) -> Bool {
        guard let server = try? OneShotRedirectServer(redirectingTo: url) else { return false }
        let argv = [strdup("xdg-open"), strdup(server.startURL), nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "xdg-open", nil, nil, argv, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { return false }
        return server.waitUntilServed(within: 60)
    }
}

private extension Dictionary where Key == String, Value == String {
    func nonEmptyValue(_ name: String) -> Bool { !(self[name] ?? "").isEmpty }
}
