namespace MoralGraph.Browser.Tests.Browser;

/// <summary>
/// Full-page PNGs for a person to look at, in <c>$MORALGRAPH_SCREENSHOTS</c> or else
/// <c>moralgraph-screenshots/</c> in the temporary folder. Each save overwrites the last one of the same name.
/// </summary>
public static class Screenshots
{
    /// <summary>The environment variable naming the screenshot folder.</summary>
    public const string FolderVariable = "MORALGRAPH_SCREENSHOTS";

    /// <summary>Where screenshots go.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
            ? folder
            : Path.Combine(Path.GetTempPath(), "moralgraph-screenshots");

    /// <summary>Saves the whole of <paramref name="page"/> as <c>{name}.png</c>; returns the file's path.</summary>
    public static async Task<string> SaveAsync(this IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var safeName = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-'));
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, safeName + ".png");
        // A full-page capture of a scrolled page draws the fixed app bar where the viewport was, over the middle of
        // the page; from the top it sits where a reader sees it. The scroll position is put back afterwards.
        var scrolled = await page.EvaluateAsync<double[]>("() => { const at = [window.scrollX, window.scrollY]; window.scrollTo(0, 0); return at; }");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        await page.EvaluateAsync("([x, y]) => window.scrollTo(x, y)", scrolled);
        return path;
    }
}
