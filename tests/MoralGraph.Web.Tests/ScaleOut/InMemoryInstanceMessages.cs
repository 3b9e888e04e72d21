using MoralGraph.Core.Instances;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>Messages between instances in one process: each <see cref="Connect"/> is one instance; delivery is immediate and in order.</summary>
internal sealed class InMemoryInstanceMessages
{
    private readonly List<(string Topic, Action<InstanceMessage> Handler)> _subscribers = [];

    public List<InstanceMessage> Sent { get; } = [];

    public IInstanceMessages Connect(string instanceId) => new Instance(this, instanceId);

    private sealed class Instance(InMemoryInstanceMessages hub, string instanceId) : IInstanceMessages
    {
        public string InstanceId { get; } = instanceId;

        public Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default)
        {
            var message = new InstanceMessage(topic, InstanceId, payload);
            List<Action<InstanceMessage>> handlers;
            lock (hub._subscribers)
            {
                hub.Sent.Add(message);
                handlers = [.. hub._subscribers.Where(s => s.Topic == topic).Select(s => s.Handler)];
            }

            foreach (var handler in handlers)
            {
                handler(message);
            }

            return Task.CompletedTask;
        }

        public IDisposable Subscribe(string topic, Action<InstanceMessage> onMessage)
        {
            var subscription = (topic, onMessage);
            lock (hub._subscribers)
            {
                hub._subscribers.Add(subscription);
            }

            return new Unsubscribe(() =>
            {
                lock (hub._subscribers)
                {
                    hub._subscribers.Remove(subscription);
                }
            });
        }
    }

    private sealed class Unsubscribe(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
