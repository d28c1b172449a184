public enum STSProcVersion {
    public static let current = "0.1.0"
}
