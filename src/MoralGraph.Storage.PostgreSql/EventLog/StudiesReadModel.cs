using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;

namespace MoralGraph.Storage.PostgreSql.EventLog;

/// <summary>A study's row in the <c>studies</c> table, the read model behind <see cref="IStudyCatalog"/>.</summary>
internal sealed record StudyRow(string StudyId, string Title, StudyPhase Phase, int QuestionCount, long EventCount);

/// <summary>The studies a group of appends touches, loaded before and written back after it, by the same rules as LiteDB's read model.</summary>
internal sealed class StudiesReadModel
{
    private readonly Dictionary<string, StudyRow> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StudyRow> _touched = new(StringComparer.Ordinal);

    public IReadOnlyCollection<StudyRow> Touched => _touched.Values;

    public void Load(StudyRow row) => _loaded[row.StudyId] = row;

    public void Apply(StudyEvent studyEvent)
    {
        var study = _touched.GetValueOrDefault(studyEvent.StudyId) ?? _loaded.GetValueOrDefault(studyEvent.StudyId)
            ?? new StudyRow(studyEvent.StudyId, studyEvent.StudyId, default, 0, 0);
        study = study with { EventCount = study.EventCount + 1 };
        switch (studyEvent)
        {
            case StudyDefined defined:
                // The same rules as StudyState: a redefinition keeps the phase; phases only move forward.
                study = study with
                {
                    Title = defined.Study.Title,
                    QuestionCount = defined.Study.Questions.Count,
                    Phase = study.EventCount == 1 ? defined.Study.Phase : study.Phase,
                };
                break;
            case PhaseChanged changed when StudyPhases.CanMove(study.Phase, changed.Phase):
                study = study with { Phase = changed.Phase };
                break;
        }

        _touched[study.StudyId] = study;
    }
}
