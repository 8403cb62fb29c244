import { validatedDomain } from "../../lib/dns-name";

describe("validatedDomain", () => {
  test("a wildcard is validated through its parent domain", () => {
    expect(validatedDomain("*.example.com")).toBe("example.com");
    expect(validatedDomain("*.dev.example.com")).toBe("dev.example.com");
  });

  test("an exact name is validated as itself", () => {
    expect(validatedDomain("example.com")).toBe("example.com");
    expect(validatedDomain("api.example.com")).toBe("api.example.com");
  });
});
