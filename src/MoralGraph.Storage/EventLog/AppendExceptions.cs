namespace MoralGraph.Storage.EventLog;

// Refusals every store gives alike (LiteDB and PostgreSQL), so callers catch one type whichever store they run on.

/// <summary>A submission reused an id (vote id, card id) with different content; the first one stands.</summary>
public sealed class IdempotencyConflictException(string key, long existingSequence)
    : InvalidOperationException($"'{key}' was already recorded as event {existingSequence} with different content; the first submission stands.")
{
    /// <summary>The reused key.</summary>
    public string Key { get; } = key;
}
