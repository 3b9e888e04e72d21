// Moves the focus to the page's heading after a navigation inside the app (Components/Layout/FocusOnInAppNavigation.razor),
// so a screen reader announces the new page. Never on a full page load: there the browser already starts at the top,
// and focusing later, once the circuit connects, would pull the focus from wherever the participant had moved it.
export function focusHeading(selector) {
  const heading = document.querySelector(selector);
  if (heading) {
    if (!heading.hasAttribute('tabindex')) {
      heading.setAttribute('tabindex', '-1');
    }
    heading.focus({ preventScroll: false });
  }
}

// Moves the focus to the element with `id` once it is on the page: the heading of the step (or the tallies) that the
// participant's last action brought (Components/Pages/Participate/StudyJourney.razor). The control they used is gone
// with the old step, which would drop the focus to the page body. The call can reach the page before the render that
// adds the element (Blazor Server holds render batches back; interop calls are not held), so it waits for it, for ten
// seconds at most.
export function focusWhenShown(id) {
  const giveUpAt = Date.now() + 10_000;
  const tryFocus = () => {
    const element = document.getElementById(id);
    if (element) {
      if (!element.hasAttribute('tabindex')) {
        element.setAttribute('tabindex', '-1');
      }
      element.focus({ preventScroll: false });
    } else if (Date.now() < giveUpAt) {
      setTimeout(tryFocus, 50);
    }
  };
  tryFocus();
}
