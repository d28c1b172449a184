import Glibc
import Testing
@testable import STSProcCore

/// Every file in config-examples/ must parse and give a valid plan for each profile that
/// calls sts-proc, so the examples cannot rot. Their source keys live in the credentials
/// file, which the examples only describe; a stand-in supplies them here.
@Suite struct ConfigExamplesTests {
    static let folder: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/config-examples"
    }()

    static var exampleFiles: [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasSuffix(".ini") { names.append(name) }
        }
        return names.sorted()
    }

    @Test func thereAreExamples() {
        #expect(Self.exampleFiles.count >= 5)
    }

    @Test(arguments: exampleFiles)
    func everyExampleProfileMakesAPlan(_ name: String) throws {
        let text = String(decoding: try Fixtures.bytes("../../../config-examples/" + name), as: UTF8.self)
        let config = try SharedConfig(configText: text, configPath: name,
                                      credentialsText: "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n",
                                      credentialsPath: "credentials")
        // What a CI job or an EKS pod would have in its environment.
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example",
                           "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
                           "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/PodRole",
                           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task"]
        var planned = 0
        for (profileName, values) in config.profiles {
            guard case .text(let command)? = values["credential_process"] else { continue }
            let target = command.split(separator: " ").last.map(String.init) ?? profileName
            let plan = try PlanBuilder(config: config, environment: environment, now: UTCTime(secondsSinceEpoch: 0))
                .makePlan(profileName: target)
            #expect(plan.obtainsTemporaryCredentials, "\(name): \(profileName)")
            planned += 1
        }
        #expect(planned > 0, "\(name) has no profile that calls sts-proc")
    }
}
