/// `sts_proc_*` keys that sts-proc does not read, and profile names that do not exist,
/// each with the nearest known name: a misspelt key is otherwise silently ignored, and a
/// misspelt `--profile` fails only when an SDK runs it.
enum SettingNameCheck {
    /// The profile's `sts_proc_*` keys that are not in `SettingKey`, each with the nearest
    /// known prefixed key, in the file's order of names (sorted).
    static func unknownKeys(of profile: Profile) -> [(key: String, nearest: String?)] {
        let known = Set(SettingKey.allCases.map(\.prefixed))
        return profile.values.keys.sorted().filter { $0.hasPrefix(Profile.prefix) && !known.contains($0) }.map { key in
            (key, nearest(key, among: SettingKey.allCases.map(\.prefixed)))
        }
    }

    /// The candidate closest to `word` by edit distance, if it is close enough to be a
    /// likely slip (at most a third of the word's length, and at least one edit allowed).
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Edit distance over Unicode scalars where swapping two neighbours counts as one edit
    /// (optimal string alignment): `prdo` is one slip from `prod`, as a typist sees it.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
