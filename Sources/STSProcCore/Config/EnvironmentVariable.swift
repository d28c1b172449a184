extension Dictionary where Key == String, Value == String {
    /// An environment variable's value, nil when unset or empty: the two mean the same to
    /// botocore and the SDKs.
    func nonEmpty(_ name: String) -> String? {
        self[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
