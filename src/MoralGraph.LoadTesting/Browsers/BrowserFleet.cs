using Microsoft.Playwright;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Measurement;
using MoralGraph.LoadTesting.Reporting;

namespace MoralGraph.LoadTesting.Browsers;

/// <summary>
/// K real browsers: one headless Chromium (the machine's, never a download), a context per participant so each has
/// its own cookies and circuit. Before the load starts it measures what a circuit costs the server: one warm-up circuit
/// comes and goes (the first pays for loading and compiling the app's pages), then the server's RSS is read, all K
/// circuits are opened on the study's page, and it is read again.
/// </summary>
internal sealed class BrowserFleet : IAsyncDisposable
{
    private static readonly string[] ChromiumArguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ];

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly LoadRunOptions _options;
    private readonly LoadMeasurements _measurements;
    private readonly TextWriter _progress;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<BrowserParticipant> _participants = [];

    private BrowserFleet(IPlaywright playwright, IBrowser browser, LoadRunOptions options, LoadMeasurements measurements, TextWriter progress)
    {
        _playwright = playwright;
        _browser = browser;
        _options = options;
        _measurements = measurements;
        _progress = progress;
    }

    private string ParticipantPath => $"s/{Uri.EscapeDataString(_options.Study)}";

    /// <summary>Launches Chromium; fails with the fix when it is missing.</summary>
    public static async Task<BrowserFleet> LaunchAsync(LoadRunOptions options, LoadMeasurements measurements, TextWriter progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not at {options.ChromiumPath}: install Debian's package (apt-get install chromium) or give --chromium PATH.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = options.ChromiumPath,
                Headless = true,
                Args = ChromiumArguments,
            });
            return new BrowserFleet(playwright, browser, options, measurements, progress);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens the K circuits on the study's page and returns what they cost the server's memory (null when its process is unknown).</summary>
    public async Task<CircuitReport?> OpenCircuitsAsync(Func<ServerProcess?> server, CancellationToken cancellationToken)
    {
        var warmUp = await NewParticipantAsync(-1);
        await warmUp.OpenAsync();
        await warmUp.Page.Context.CloseAsync();
        _contexts.RemoveAt(_contexts.Count - 1);
        await Task.Delay(Settle, cancellationToken);
        var baseline = await ReadRssAsync(server, cancellationToken);

        for (var i = 0; i < _options.Browsers; i++)
        {
            var participant = await NewParticipantAsync(i);
            await participant.OpenAsync();
            _participants.Add(participant);
        }

        await Task.Delay(Settle, cancellationToken);
        var with = await ReadRssAsync(server, cancellationToken);
        await _progress.WriteLineAsync($"Browsers: {_options.Browsers} circuits open on /{ParticipantPath}.");
        return baseline is { } before && with is { } after
            ? new CircuitReport(_options.Browsers, Math.Round(before, 1), Math.Round(after, 1), Math.Round((after - before) * 1024 / _options.Browsers, 0))
            : null;
    }

    /// <summary>Every browser takes the journey until done or the run ends.</summary>
    public Task RunJourneysAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_participants.Select(participant => Task.Run(() => participant.RunAsync(cancellationToken), CancellationToken.None)));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // The browser went first.
            }
        }

        await _browser.CloseAsync();
        _playwright.Dispose();
    }

    private async Task<BrowserParticipant> NewParticipantAsync(int index)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _options.Url.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        return new BrowserParticipant(page, ParticipantPath, _measurements, _options.ThinkTime, new Random(HashCode.Combine(_options.Seed, "browser", index)));
    }

    // The median of three readings a moment apart, so one allocation burst does not count for a circuit.
    private static async Task<double?> ReadRssAsync(Func<ServerProcess?> server, CancellationToken cancellationToken)
    {
        var readings = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            if (server()?.Sample() is { } sample)
            {
                readings.Add(sample.RssMb);
            }

            await Task.Delay(200, cancellationToken);
        }

        return readings.Count == 0 ? null : readings.Order().ElementAt(readings.Count / 2);
    }
}
