using MoralGraph.Core.Events;

namespace MoralGraph.Web.Tests;

/// <summary>A catalog holding whatever studies a test puts in it.</summary>
public sealed class FakeStudyCatalog : IStudyCatalog
{
    public List<StudySummary> Studies { get; } = [];

    public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StudySummary>>([.. Studies]);
}
