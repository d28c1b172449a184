import ArgumentParser
import STSProcCore

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "List or clear the credentials sts-proc keeps in the keyring.",
        subcommands: [List.self, Clear.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each cached credential's profile, role and time left (never a secret).",
            discussion: "Example: sts-proc cache list")

        func run() throws {
            let service = CredentialService.forThisProcess()
            var listings: [CacheListing]
            let kernel = service.kernelCopies()
            do {
                listings = try service.cachedCredentials()
                // A kernel copy of an item listed already is the same credential.
                listings += kernel.filter { copy in !listings.contains { $0.profile == copy.profile && $0.expiration == copy.expiration } }
            } catch {
                StandardStreams.writeError("sts-proc: cache list: \(error.explanation)" + (kernel.isEmpty ? "." : "; the kernel keyring's copies follow."))
                guard !kernel.isEmpty else { throw ExitCode(4) }
                listings = kernel
            }
            for listing in listings.sorted(by: { ($0.profile, $0.roleARN) < ($1.profile, $1.roleARN) }) {
                StandardStreams.writeOutput(Self.line(listing, now: service.now))
            }
        }

        static func line(_ listing: CacheListing, now: UTCTime) -> String {
            guard let expiration = listing.expiration else {
                return "\(listing.profile)\t\(listing.roleARN)\tunknown expiry"
            }
            let left = now.seconds(until: expiration)
            let state = left > 0 ? "\(left / 60) min \(left % 60) s left" : "expired"
            return "\(listing.profile)\t\(listing.roleARN)\t\(expiration.iso8601)\t\(state)"
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove cached credentials: all of them, or one profile's.",
            discussion: "Example: sts-proc cache clear --profile prod")

        @Option(name: .long, help: "Only this profile's credentials.", completion: .profileNames)
        var profile: String?

        func run() throws {
            do {
                try CredentialService.forThisProcess().clearCache(profile: profile)
            } catch {
                StandardStreams.writeError("sts-proc: cache clear: \(error.explanation).")
                throw ExitCode(4)
            }
        }
    }
}
