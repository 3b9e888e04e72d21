using System.Text;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;

namespace MoralGraph.Browser.Tests.Browser;

/// <summary>
/// The base of a browser test class: a fresh browser context and page per test on the class's server, with what
/// went wrong in the browser (console errors, uncaught exceptions, failed or 4xx/5xx requests) collected as it
/// happens. After each test, the server's log for that test and those problems go to the test output, which xunit
/// shows with a failure. A derived class is <c>[Collection(SharedBrowser.Name)]</c> and
/// <c>IClassFixture&lt;MoralGraphServer&gt;</c> (or a server fixture derived from it).
/// </summary>
public abstract class BrowserTest : IAsyncLifetime
{
    private readonly ChromiumBrowser _chromium;
    private readonly List<string> _problems = [];
    private readonly Lock _lock = new();
    private readonly List<IBrowserContext> _otherDevices = [];
    private IBrowserContext? _context;
    private IPage? _page;
    private int _logMark;

    protected BrowserTest(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    {
        Server = server;
        _chromium = chromium;
        Output = output;
    }

    protected MoralGraphServer Server { get; }

    protected ITestOutputHelper Output { get; }

    /// <summary>This test's browser context (its own cookies, storage and circuits).</summary>
    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <summary>This test's page; relative URLs resolve against the server.</summary>
    protected IPage Page => _page ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <summary>What went wrong in the browser so far, one line each.</summary>
    protected IReadOnlyList<string> BrowserProblems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems];
            }
        }
    }

    public virtual async Task InitializeAsync()
    {
        _logMark = Server.Log.Count;
        _context = await _chromium.NewContextAsync(Server.BaseAddress);
        _page = await _context.NewPageAsync();
        Watch(_page);
    }

    public virtual async Task DisposeAsync()
    {
        var report = new StringBuilder();
        report.AppendLine("--- browser problems ---");
        foreach (var problem in BrowserProblems)
        {
            report.AppendLine(problem);
        }

        report.AppendLine("--- server log during this test ---");
        report.Append(Server.Log.Since(_logMark));
        Output.WriteLine(report.ToString());
        foreach (var device in _otherDevices)
        {
            await device.CloseAsync();
        }

        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }

    /// <summary>
    /// A page in another browser context on the same server: another device, sharing no cookies or circuit with
    /// <see cref="Page"/>. Its problems are collected with the page's; it is closed after the test.
    /// </summary>
    protected async Task<IPage> OpenAnotherDeviceAsync()
    {
        var context = await _chromium.NewContextAsync(Server.BaseAddress);
        _otherDevices.Add(context);
        var page = await context.NewPageAsync();
        Watch(page);
        return page;
    }

    /// <summary>Opens <paramref name="path"/> and waits until its circuit is interactive.</summary>
    protected async Task<IResponse?> OpenAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        await Page.WaitForInteractiveAsync();
        return response;
    }

    /// <summary>Fails with every problem the browser reported, if it reported any.</summary>
    protected void AssertNoBrowserProblems()
    {
        var problems = BrowserProblems;
        Assert.True(problems.Count == 0, $"The browser reported {problems.Count} problem(s):\n{string.Join('\n', problems)}");
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsFavicon(message.Location))
            {
                Add($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Add($"uncaught exception: {error}");
        page.RequestFailed += (_, request) => Add($"request failed: {request.Method} {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !IsFavicon(response.Url))
            {
                Add($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
    }

    // The browser asks for /favicon.ico on its own and the app has none; that 404 says nothing about the page.
    // A console message's location is "url:line:column".
    private static bool IsFavicon(string location) => location.Contains("/favicon.ico", StringComparison.Ordinal);

    private void Add(string problem)
    {
        lock (_lock)
        {
            _problems.Add(problem);
        }
    }
}
