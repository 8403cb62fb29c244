/** The README's per-cloud field table covers every cloud-neutral field and is current. */
import * as fs from "fs";
import * as path from "path";
import { cloudNeutralFields } from "../../environment/fields";
import { FIELD_TABLE, embedFieldTable, renderFieldTable, tableKey } from "../../stacks/field-table";

test("every cloud-neutral field has a row, and every row is a field", () => {
  expect(Object.keys(FIELD_TABLE).sort()).toEqual(cloudNeutralFields().map(tableKey).sort());
});

test("fields a cloud refuses say so in that cloud's column", () => {
  const refusedOnGcp = Object.entries(FIELD_TABLE)
    .filter(([, entry]) => entry.gcp.includes("refused"))
    .map(([field]) => field);
  expect(refusedOnGcp).toEqual(["services[].healthCheck.matcher", "services[].capacity.desired"]);
});

test("README's field table is current (run `npm run docs`)", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
  expect(readme).toContain(renderFieldTable());
  expect(embedFieldTable(readme)).toBe(readme);
});
