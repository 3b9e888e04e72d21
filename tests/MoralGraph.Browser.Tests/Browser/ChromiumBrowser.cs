namespace MoralGraph.Browser.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright; one per test run (a collection fixture), with a new context per
/// test. Playwright's own browser download is never used: the machine's Chromium is the one participants' browsers
/// resemble, and it works offline. A missing Chromium fails every browser test with the fix in the message.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    /// <summary>The environment variable that points the tests at another Chromium binary.</summary>
    public const string ExecutableVariable = "MORALGRAPH_CHROMIUM";

    private const string DefaultExecutable = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The Chromium binary the tests drive.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : DefaultExecutable;

    /// <summary>The running browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not been launched.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. The browser tests need it: install Debian's package " +
                $"(`apt-get install chromium`, which ./.ci/test does) or set {ExecutableVariable} to a Chromium binary.");
        }

        // Playwright's 5 s default for expectations is tight on a 2-core machine also running the other test projects.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }

    /// <summary>
    /// A fresh context (no cookies, storage or circuit shared with other tests) whose relative URLs resolve against
    /// <paramref name="baseAddress"/>, at a desktop size unless <paramref name="viewport"/> says otherwise.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseAddress, ViewportSize? viewport = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        return Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = viewport ?? Viewports.Desktop,
            Locale = "en-GB",
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
