import * as fs from "fs";
import * as path from "path";
import { dnsRecordsFromState, formatDnsRecords } from "../../dns/records";

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", `${name}.state.json`), "utf8"));
const lines = (state: unknown, apex?: string) => formatDnsRecords(dnsRecordsFromState(state, { apex }));
const ALB = "shop-dev-1234567890.eu-west-1.elb.amazonaws.com";

describe("dnsRecordsFromState", () => {
  test("AWS without a zone: ACM validation CNAMEs (apex and wildcard share one), then a CNAME per hostname, ALIAS at the apex", () => {
    expect(lines(fixture("aws-external"))).toEqual([
      "_a79865eb4cd1a6ab990a45779b4e0b96.example.com  CNAME  _424c7224e9b0146f9a8808af955727d0.acm-validations.aws",
      "_0c3a1b.api.example.com                        CNAME  _77f1e2.acm-validations.aws",
      `api.example.com                                CNAME  ${ALB}`,
      `chat.example.com                               CNAME  ${ALB}`,
      `example.com                                    ALIAS  ${ALB}`,
      "# example.com is the apex, which cannot be a CNAME: create an ALIAS/ANAME record (CNAME flattening) if your DNS provider supports one, else the apex cannot point at the load balancer from there",
    ]);
  });

  test("GCP without a zone: Certificate Manager authorization CNAMEs, then an A record per hostname to the forwarding rule's address", () => {
    expect(lines(fixture("gcp-external"))).toEqual([
      "_acme-challenge.example.com      CNAME  2a7e1f63-3c34-4a43-8a0e-2f7e6c1b1c11.4.authorize.certificatemanager.goog",
      "_acme-challenge.api.example.com  CNAME  8b1c.9.authorize.certificatemanager.goog",
      "api.example.com                  A      34.120.10.20",
      "chat.example.com                 A      34.120.10.20",
      "example.com                      A      34.120.10.20",
    ]);
  });

  test("records the stack already writes into its zone are left out", () => {
    expect(lines(fixture("aws-zone"))).toEqual(["# nothing to create by hand: the stack writes every record into its own zone"]);
  });

  test("a partial state, as while the deploy waits, says what is still to come", () => {
    const state = fixture("aws-external");
    const certificateOnly = { ...state, resources: state.resources.filter((resource: any) => resource.type === "aws_acm_certificate") };
    expect(lines(certificateOnly).slice(-1)).toEqual(["# the load balancer is not in the state yet: its records follow once it is created; run again"]);
    expect(lines({ ...state, resources: [] })).toEqual([
      "# nothing in the state yet: the deploy creates the certificate and load balancer in its first minutes; run again",
    ]);
    const gcp = fixture("gcp-external");
    const loadBalancerOnly = { ...gcp, resources: gcp.resources.filter((resource: any) => !resource.type.startsWith("google_certificate_manager")) };
    expect(lines(loadBalancerOnly).slice(-1)).toEqual(["# no certificate in the state yet: its validation records follow once it is created; run again"]);
  });

  test("--domain names the apex when the domain sits under a two-label suffix", () => {
    const state = fixture("aws-external");
    const rule = state.resources.find((resource: any) => resource.name.startsWith("load-balancer_rule-chat"));
    rule.instances[0].attributes.condition[0].host_header[0].values = ["shop.co.uk", "www.shop.co.uk"];
    const records = dnsRecordsFromState(state, { apex: "Shop.co.uk." }).records.filter((record) => record.purpose === "service");
    expect(records.map((record) => `${record.name} ${record.type}`)).toEqual(["api.example.com CNAME", "shop.co.uk ALIAS", "www.shop.co.uk CNAME"]);
  });

  test.each([
    [null, 'not a Terraform state (expected an object with "version": 4 and "resources")'],
    [[], 'not a Terraform state (expected an object with "version": 4 and "resources")'],
    [{ version: 3, resources: [] }, "state format version 3 is not supported (expected 4, Terraform ≥ 0.12)"],
  ])("refuses %j", (state, message) => {
    expect(() => dnsRecordsFromState(state)).toThrow(message);
  });
});
