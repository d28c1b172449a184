import Glibc
import Testing
@testable import STSProcCore

/// An executable called sts-proc (a link to /bin/true), so credential_process lines can
/// point at something that exists.
let standIn: String = {
    var template = Array("/tmp/sts-proc-doctor-XXXXXX".utf8CString)
    let folder = String(cString: mkdtemp(&template)!)
    symlink("/bin/true", folder + "/sts-proc")
    return folder + "/sts-proc"
}()

struct FixedStore: CredentialStore {
    var failure: KeyringFailure?
    func lookup(_ entry: CacheEntry, validAfter: UTCTime) throws(KeyringFailure) -> CacheLookup {
        if let failure { throw failure }
        return .miss
    }
    func beginReplace(_ entry: CacheEntry) -> PendingReplace { PendingReplace { _, _ throws(KeyringFailure) in } }
    func list() throws(KeyringFailure) -> [CacheListing] { [] }
    func remove(profile: String?) throws(KeyringFailure) {}
    func probe() throws(KeyringFailure) { if let failure { throw failure } }
}

@Suite struct DoctorTests {
    private let keys = "[base]\naws_access_key_id = AKIABASE1234\naws_secret_access_key = s\n"

    private func report(_ config: String, credentials: String? = nil, environment: [String: String] = ["PATH": "/bin"],
                        profile: String? = "p", store: FixedStore = FixedStore()) throws -> [DoctorReport] {
        let shared = try SharedConfig(configText: config, configPath: "/cfg", credentialsText: credentials ?? keys,
                                      credentialsPath: "/creds")
        let doctor = Doctor(config: shared, environment: environment, now: UTCTime(secondsSinceEpoch: 0), store: store,
                            storedKey: { _ in nil })
        if let profile { return [doctor.examine(asked: profile)] }
        return doctor.examineAll()
    }

    private func codes(_ reports: [DoctorReport]) -> [String] {
        reports.flatMap { $0.findings.filter { $0.level == .problem }.map(\.code) }
    }

    private let good = """
        [profile p]
        credential_process = /bin/sh --profile p
        sts_proc_role_arn = arn:aws:iam::111122223333:role/R
        sts_proc_source_profile = base
        region = eu-west-1
        """

    @Test func aGoodProfileHasNoProblemsAndIsExplained() throws {
        let reports = try report(good.replacingFirstWord())
        #expect(codes(reports) == [])
        let text = reports[0].text
        #expect(text.contains("AssumeRole arn:aws:iam::111122223333:role/R"))
        #expect(text.contains("static keys of profile base (****1234)"))
        #expect(text.contains("https://sts.eu-west-1.amazonaws.com"))
        #expect(!text.contains("AKIABASE1234"))
    }

    @Test func eachProblemHasItsCode() throws {
        let base = good.replacingFirstWord()
        #expect(codes(try report(base + "\nrole_arn = arn:aws:iam::111122223333:role/R\n")) == ["sdk-skips-credential-process"])
        let sso = try report(base + "\nsso_start_url = https://x\n")
        #expect(codes(sso) == ["sdk-skips-credential-process"])
        // sts-proc reads SSO settings too: the prefixed name keeps the SDKs on credential_process.
        #expect(sso.flatMap(\.findings).contains { $0.text.contains("rename it to sts_proc_sso_start_url") })
        #expect(codes(try report(base, credentials: keys + "[p]\naws_access_key_id = A\naws_secret_access_key = s\n"))
                .contains("sdk-skips-credential-process"))
        #expect(codes(try report(base.dropRegion())) == ["missing-region"])
        #expect(codes(try report(base, environment: ["PATH": "/bin", "AWS_ACCESS_KEY_ID": "AKIA9"])) == ["environment-credentials"])
        #expect(codes(try report(base, store: FixedStore(failure: .locked))) == ["keyring-unusable"])
        #expect(codes(try report(base + "\nsts_proc_duration_seconds = 5\n")) == ["configuration"])
        #expect(codes(try report(good.replacingProgram("/no/such/folder/sts-proc"))) == ["program-not-found"])
        #expect(codes(try report(base + "\nsts_proc_web_identity_token_file = /nonexistent/token\n")) == ["token-unreadable"])
    }

    @Test func withoutAProfileEveryCallerIsChecked() throws {
        let config = good.replacingFirstWord() + "\n[profile other]\ncredential_process = aws-vault exec x\n"
        let reports = try report(config, profile: nil)
        #expect(reports.map(\.profile) == ["p"])
    }
}

private extension String {
    /// The good config with credential_process pointing at an executable that exists.
    func replacingFirstWord() -> String { replacingProgram(standIn) }

    func replacingProgram(_ program: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices where lines[index].hasPrefix("credential_process") {
            lines[index] = "credential_process = \(program) --profile p"
        }
        return lines.joined(separator: "\n")
    }

    func dropRegion() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("region") }.joined(separator: "\n")
    }
}

@Suite struct DoctorEnvironmentKeysTests {
    @Test func keysInTheEnvironmentAreANoteWhenTheyAreTheProfilesSource() throws {
        let config = try SharedConfig(configText: """
            [profile p]
            region = eu-west-1
            sts_proc_role_arn = arn:aws:iam::111122223333:role/R
            sts_proc_credential_source = Environment
            """, configPath: "/cfg", credentialsText: nil, credentialsPath: "/creds")
        let environment = ["PATH": "/bin", "AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s"]
        let report = Doctor(config: config, environment: environment, now: UTCTime(secondsSinceEpoch: 0),
                            store: FixedStore(), storedKey: { _ in nil }).examine(asked: "p")
        let finding = try #require(report.findings.first { $0.code == "environment-credentials" })
        #expect(finding.level == .note)
        #expect(!report.hasProblems)
    }
}
