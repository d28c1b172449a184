extension CredentialService {
    /// Reports for one profile (following its credential_process line to the profile it
    /// names), or for every profile some credential_process runs sts-proc for.
    public func doctor(profile: String?) throws(STSProcError) -> [DoctorReport] {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw profile.map { error.inProfile($0) } ?? error
        }
        let doctor = Doctor(config: config, environment: environment, now: now, store: SecretServiceStore())
        if let profile { return [doctor.examine(asked: profile)] }
        return doctor.examineAll()
    }
}
