/// The kinds of file `salesctl import` takes (SPEC §4).
public enum ImportKind: String, CaseIterable, Sendable, Codable {
    case teams, reps, accounts, stages, leads, deals
    case stageChanges = "stage_changes"
    case activities, surveys, spend, targets
    case forecastCalls = "forecast_calls"

    /// The format and the SQL of this kind.
    var definition: ImportDefinition {
        switch self {
        case .teams: TeamsImport.definition
        case .reps: RepsImport.definition
        case .accounts: AccountsImport.definition
        case .stages: StagesImport.definition
        case .leads: LeadsImport.definition
        case .deals: DealsImport.definition
        case .stageChanges: StageChangesImport.definition
        case .activities: ActivitiesImport.definition
        case .surveys: SurveysImport.definition
        case .spend: SpendImport.definition
        case .targets: TargetsImport.definition
        case .forecastCalls: ForecastCallsImport.definition
        }
    }

    /// The CSV header names this kind accepts, required ones marked with `*`.
    public var columnSummary: String {
        self.definition.columns.map { $0.name + ($0.required ? "*" : "") }.joined(separator: ", ")
    }
}

/// How one kind of file is checked and written.
///
/// The file streams into a temporary table `import_staging` (a `line` column, then one
/// column per format column, typed). `checks` are queries over it that return problems
/// (`line`, `column_name`, `value`, `message`); `writes` then upsert set-based, each
/// returning one row of `inserted` and `updated` counts. In all of them `$1` is the org id;
/// in the writes `$2` holds the ids reserved for the file's lines, and every insert names
/// each new row's id itself (`ImportRowIDs.id(ofLine:)`, `OVERRIDING SYSTEM VALUE`).
struct ImportDefinition: Sendable {
    var columns: [ImportColumn]
    var checks: [String]
    var writes: [String]
    /// Per-row checks across columns that need no database (e.g. a scope and its id).
    var rowCheck: (@Sendable ([String: String]) -> (column: String, reason: ImportProblem.Reason)?)? = nil
}
