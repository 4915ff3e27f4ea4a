// The reference point of the start-up benchmark: the smallest oclif 4 command there is.
import { Command } from "@oclif/core";

export default class Hello extends Command {
  static description = "say hello";
  async run() {
    this.log("hello");
  }
}
