import ArgumentParser
import FoundationEssentials
import STSProcCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Every profile of the config: flow, role, source, sts-proc use, keys and cached time left.",
        discussion: """
            Reads the files and the keyring's item attributes only: no STS call, no secret. \
            STS-PROC names the profile a credential_process line runs sts-proc for.

            Example: sts-proc list --json
            """)

    @Flag(name: .long, help: "Print a JSON array of objects instead of columns.")
    var json = false

    func run() throws {
        let service = CredentialService.forThisProcess()
        var rows: [ProfileSummary] = []
        try runReportingErrors { () throws(STSProcError) in
            rows = try service.listProfiles(note: StandardStreams.writeError)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(rows)) ?? Data("[]".utf8)
            StandardStreams.writeOutput(String(decoding: data, as: UTF8.self))
            return
        }
        let header = ["PROFILE", "FLOW", "ROLE", "SOURCE", "STS-PROC", "KEYS", "CACHED"]
        let table = [header] + rows.map { row in
            [row.profile, row.flow, row.role ?? "-", (row.error == nil ? row.source ?? "-" : "see sts-proc doctor --profile \(row.profile)"), row.stsProcProfile ?? "-", row.keys ?? "-", row.cacheState]
        }
        StandardStreams.writeOutput(Self.columns(table))
    }

    /// Left-aligned columns two spaces apart; the last column is not padded.
    static func columns(_ table: [[String]]) -> String {
        let widths = (0..<(table.first?.count ?? 0)).map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }.joined()
        }.joined(separator: "\n")
    }
}
