using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Server;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Browser;

/// <summary>
/// Signs a browser context in as the owner of every study, as a person would: on a fresh server through the one-time
/// setup link the app printed in its log (which signs the new owner in), afterwards through <c>/account/login</c>. The
/// page's cookies then go with <c>page.APIRequest</c> too, so the export API can be read with them.
/// </summary>
public static class OwnerSignIn
{
    public const string Username = "browser-owner";

    public const string Password = "a password for the browser tests";

    public static async Task SignInAsOwnerAsync(this IPage page, MoralGraphServer server)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(server);
        // Asked outside the page, so the 404 of a server already set up is no browser problem.
        var setup = await page.APIRequest.GetAsync("/setup");
        if (setup.Ok)
        {
            await page.GotoAsync(await server.SetupLinkAsync());
            await page.GetByLabel("Username").FillAsync(Username);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
            await page.GetByLabel("Password again").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create the owner" }).ClickAsync();

            // The new owner lands in the console, where their work starts, not on the participants' home page.
            await Expect(page).ToHaveURLAsync(new Regex("/console$"));
        }
        else
        {
            await page.GotoAsync("/account/login");
            await page.GetByLabel("Username").FillAsync(Username);
            await page.GetByLabel("Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        }

        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(Username);
    }
}
