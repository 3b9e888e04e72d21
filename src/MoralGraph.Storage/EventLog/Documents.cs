using MoralGraph.Core.Studies;

namespace MoralGraph.Storage.EventLog;

// LiteDB maps these by convention (Id is _id). They are storage shapes, not domain types.
internal sealed class EventDocument
{
    public long Id { get; set; }
    public string StudyId { get; set; } = "";
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

internal sealed class KeyDocument
{
    public string Id { get; set; } = "";
    public long Sequence { get; set; }
}

internal sealed class StudyDocument
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public StudyPhase Phase { get; set; }
    public int QuestionCount { get; set; }
    public long EventCount { get; set; }
}

internal sealed class ErasureDocument
{
    public const string TheId = "keys";

    public string Id { get; set; } = "";
    public string KeyStoreId { get; set; } = "";
}

internal sealed class RewriteDocument
{
    public const string TheId = "rewritten-from";

    public string Id { get; set; } = "";
    public long FromHeadSequence { get; set; }
    public string FromHeadHash { get; set; } = "";
}
