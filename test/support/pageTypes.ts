/**
 * The little of the DOM that browser tests touch inside the page. The project compiles without the DOM library
 * (it is a Node service), so code passed to page.evaluate casts `globalThis` to this instead.
 */
export interface PageElement {
  tagName: string;
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

export interface PageGlobals {
  document: {
    activeElement: PageElement | null;
    documentElement: { scrollWidth: number; clientWidth: number };
    addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
  };
  getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string; boxShadow: string };
  sessionStorage: { getItem(key: string): string | null };
  console: { info(message: string): void };
}
