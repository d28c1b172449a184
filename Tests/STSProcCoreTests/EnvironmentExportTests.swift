import Glibc
import Testing
@testable import STSProcCore

@Suite struct EnvironmentExportTests {
    private let temporary = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "a'b\\c$d\"e", sessionToken: "tok",
                                           expiration: UTCTime(secondsSinceEpoch: 1_795_352_707))
    private let longTerm = AWSCredentials(accessKeyID: "AKIA1", secretAccessKey: "s")

    @Test func shQuotesEverythingAndUnsetsWhatIsMissing() {
        #expect(EnvironmentExport.render(temporary, format: .sh) == """
            export AWS_ACCESS_KEY_ID='ASIA1'
            export AWS_SECRET_ACCESS_KEY='a'\\''b\\c$d"e'
            export AWS_SESSION_TOKEN='tok'
            export AWS_CREDENTIAL_EXPIRATION='2026-11-22T13:05:07Z'
            """)
        #expect(EnvironmentExport.render(longTerm, format: .sh).hasSuffix("unset AWS_SESSION_TOKEN\nunset AWS_CREDENTIAL_EXPIRATION"))
    }

    @Test func fishPowershellDotenvAndJSON() {
        #expect(EnvironmentExport.render(temporary, format: .fish).contains(#"set -gx AWS_SECRET_ACCESS_KEY 'a\'b\\c$d"e'"#))
        #expect(EnvironmentExport.render(longTerm, format: .fish).hasSuffix("set -e AWS_CREDENTIAL_EXPIRATION"))
        #expect(EnvironmentExport.render(temporary, format: .powershell).contains(#"$Env:AWS_SECRET_ACCESS_KEY = 'a''b\c$d"e'"#))
        #expect(EnvironmentExport.render(temporary, format: .dotenv).contains(#"AWS_SECRET_ACCESS_KEY="a'b\\c\$d\"e""#))
        #expect(!EnvironmentExport.render(longTerm, format: .dotenv).contains("AWS_SESSION_TOKEN"))
        #expect(EnvironmentExport.render(longTerm, format: .json) == #"{"AWS_ACCESS_KEY_ID":"AKIA1","AWS_SECRET_ACCESS_KEY":"s"}"#)
    }

    @Test func aRegionIsSetInBothVariablesOnlyWhenGiven() {
        let withRegion = EnvironmentExport.render(longTerm, format: .sh, region: "eu-west-2")
        #expect(withRegion.hasSuffix("export AWS_REGION='eu-west-2'\nexport AWS_DEFAULT_REGION='eu-west-2'"))
        #expect(!EnvironmentExport.render(longTerm, format: .sh).contains("REGION"))
        #expect(EnvironmentExport.render(longTerm, format: .fish, region: "eu-west-2").hasSuffix("set -gx AWS_DEFAULT_REGION 'eu-west-2'"))
    }

    /// A quote followed by a combining mark is one Swift Character but two scalars; the
    /// shell sees the plain quote. Quoting by Characters let this token run `touch`.
    static let hostileValues = [
        "x'\u{301}; touch pwned; echo '\u{301}", "x'\u{610}$(touch pwned)'\u{610}", "\\'\u{301};touch pwned;#",
        "x\u{2019}; touch pwned; \u{2018}", "x\"\u{301}$(touch pwned)\"\u{301}", "plain",
    ]

    @Test(arguments: hostileValues)
    func quoteMarksWithCombiningMarksAreEscaped(_ value: String) {
        #expect(EnvironmentExport.singleQuotedPOSIX(value).unicodeScalars.split(separator: "'").count
                == value.unicodeScalars.split(separator: "'", omittingEmptySubsequences: false).count * 2 - 1
                || !value.unicodeScalars.contains("'"))
        #expect(EnvironmentExport.singleQuotedPowerShell("'\u{301}") == "'''\u{301}'")
        #expect(EnvironmentExport.singleQuotedPowerShell("\u{2019}") == "'\u{2019}\u{2019}'")
        #expect(EnvironmentExport.singleQuotedFish("'\u{301}") == "'\\'\u{301}'")
        #expect(EnvironmentExport.doubleQuotedDotenv("\"\u{301}$") == "\"\\\"\u{301}\\$\"")
    }

    /// The real shells read the value back unchanged and run nothing.
    @Test(arguments: [("/bin/sh", EnvironmentExport.Format.sh), ("/usr/bin/fish", .fish)])
    func shellsReadHostileValuesBackUnchanged(_ shell: String, _ format: EnvironmentExport.Format) throws {
        guard access(shell, X_OK) == 0 else { return }
        var template = Array("/tmp/sts-proc-env-XXXXXX".utf8CString)
        let folder = String(cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
        defer { _ = try? ExternalCommand.run("rm -rf \(folder)", timeLimit: 5) }
        for value in Self.hostileValues {
            let credentials = AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: value, sessionToken: value)
            let file = try #require(fopen(folder + "/env", "w"))
            fputs(EnvironmentExport.render(credentials, format: format), file)
            fclose(file)
            let script = format == .sh ? "cd \(folder) && . ./env; printf %s \"$AWS_SESSION_TOKEN\""
                                       : "cd \(folder); and source ./env; printf %s \"$AWS_SESSION_TOKEN\""
            let output = try ExternalCommand.run("\(shell) \(format == .fish ? "--no-config " : "")-c '\(script)'", timeLimit: 10)
            #expect(String(decoding: output, as: UTF8.self) == value)
            #expect(access(folder + "/pwned", F_OK) != 0, "\(value)")
        }
    }
}
