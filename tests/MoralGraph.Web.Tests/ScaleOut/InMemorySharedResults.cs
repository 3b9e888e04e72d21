using MoralGraph.Core.Instances;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>Shared results in memory, counting who wrote what.</summary>
internal sealed class InMemorySharedResults : ISharedResults
{
    private readonly Dictionary<string, SharedResult> _kept = new(StringComparer.Ordinal);

    public int Writes { get; private set; }

    public Task WriteAsync(string key, long version, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        lock (_kept)
        {
            Writes++;
            if (!_kept.TryGetValue(key, out var kept) || kept.Version <= version)
            {
                _kept[key] = new SharedResult(key, version, content.ToArray());
            }
        }

        return Task.CompletedTask;
    }

    public Task<SharedResult?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_kept)
        {
            return Task.FromResult(_kept.GetValueOrDefault(key));
        }
    }

    public Task DeleteAsync(string keyPrefix, CancellationToken cancellationToken = default)
    {
        lock (_kept)
        {
            foreach (var key in _kept.Keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToList())
            {
                _kept.Remove(key);
            }
        }

        return Task.CompletedTask;
    }
}
