extension CredentialService {
    /// Reports for one profile, or for every profile some credential_process runs sts-proc for.
    public func doctor(profile: String?) throws(STSProcError) -> [DoctorReport] {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw profile.map { error.inProfile($0) } ?? error
        }
        let doctor = Doctor(config: config, environment: environment, now: now, store: SecretServiceStore())
        if let profile { return [doctor.examine(profile: profile)] }
        var targets: [String] = []
        for (_, target) in doctor.callers() where !targets.contains(target) { targets.append(target) }
        return targets.map { doctor.examine(profile: $0) }
    }
}
